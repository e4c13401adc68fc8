<?php
require __DIR__ . '/layout.php';
session_start();
$_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
if (isset($_POST['name']))
	$_SESSION['name'] = trim((string)$_POST['name']);
page_head('A session');
echo '<p class="result">Visits in this session: <span id="visits">',
    (int)$_SESSION['visits'], "</span></p>\n";
?>
<form method="post" action="session.php">
<label for="name">A name to keep in the session</label>
<input type="text" id="name" name="name">
<input type="submit" value="Keep it">
</form>
<p><a href="session2.php">Another page of the same session</a></p>
<?php page_foot();
