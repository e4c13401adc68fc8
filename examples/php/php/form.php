<?php
require __DIR__ . '/layout.php';
$name = trim((string)($_REQUEST['name'] ?? ''));
$colour = (string)($_POST['colour'] ?? '');
page_head('A form');
if ($name !== '') {
	echo '<p class="result">Hello, ', htmlspecialchars($name), '! (sent by ',
	    htmlspecialchars($_SERVER['REQUEST_METHOD']), ')';
	if ($colour !== '')
		echo ' Your colour: ', htmlspecialchars($colour), '.';
	echo "</p>\n";
}
?>
<form method="get" action="form.php">
<label for="gname">Your name (GET)</label>
<input type="text" id="gname" name="name">
<input type="submit" value="Send by GET">
</form>
<form method="post" action="form.php">
<label for="pname">Your name (POST)</label>
<input type="text" id="pname" name="name">
<label for="colour">Colour</label>
<select id="colour" name="colour">
<option>blue</option><option>green</option><option>orange</option>
</select>
<input type="submit" value="Send by POST">
</form>
<?php page_foot();
