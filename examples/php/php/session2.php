<?php
require __DIR__ . '/layout.php';
session_start();
$_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
page_head('The same session');
echo '<p class="result">', isset($_SESSION['name']) ?
    'The session remembers: <strong id="name">' .
    htmlspecialchars($_SESSION['name']) . '</strong>.' :
    'No name in this session yet.', ' Visits: <span id="visits">',
    (int)$_SESSION['visits'], "</span></p>\n";
echo '<p class="muted">Session ', htmlspecialchars(session_id()), "</p>\n";
?>
<p><a href="session.php">Back to the first page</a></p>
<?php page_foot();
