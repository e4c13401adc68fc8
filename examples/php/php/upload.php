<?php
require __DIR__ . '/layout.php';
page_head('An upload');
foreach ($_FILES as $field => $f) {
	if ($f['error'] !== UPLOAD_ERR_OK) {
		echo '<p class="result">Upload failed, error ', (int)$f['error'],
		    ".</p>\n";
		continue;
	}
	// the temporary file is in the script's private /tmp
	echo '<p class="result">', htmlspecialchars(basename($f['name'])), ': ',
	    (int)$f['size'], ' bytes, sha256 <code>',
	    hash_file('sha256', $f['tmp_name']), "</code></p>\n";
}
?>
<form method="post" action="upload.php" enctype="multipart/form-data">
<label for="file">A file</label>
<input type="file" id="file" name="file">
<input type="submit" value="Upload">
</form>
<?php page_foot();
