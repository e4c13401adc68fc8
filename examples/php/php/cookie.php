<?php
require __DIR__ . '/layout.php';
$before = $_COOKIE['flavour'] ?? null;
if (isset($_POST['flavour']) && $_POST['flavour'] !== '') {
	$before = (string)$_POST['flavour'];
	setcookie('flavour', $before, ['path' => '/', 'samesite' => 'Lax',
	    'httponly' => true]);
}
page_head('A cookie');
echo '<p class="result">', $before === null ? 'No cookie yet.' :
    'Your cookie says: ' . htmlspecialchars($before), "</p>\n";
?>
<form method="post" action="cookie.php">
<label for="flavour">Favourite biscuit</label>
<input type="text" id="flavour" name="flavour">
<input type="submit" value="Remember it">
</form>
<?php page_foot();
