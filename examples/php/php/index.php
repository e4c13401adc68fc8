<?php
require __DIR__ . '/layout.php';
page_head('PHP examples');
?>
<p>Each page runs php-cgi once, as <code>nobody</code>, in its own sandbox.</p>
<ul>
<li><a href="form.php">form.php</a>: a form sent by GET and by POST</li>
<li><a href="cookie.php">cookie.php</a>: a cookie set and read back</li>
<li><a href="session.php">session.php</a> and <a href="session2.php">session2.php</a>: a session across pages</li>
<li><a href="upload.php">upload.php</a>: a file upload (<code>$_FILES</code>)</li>
<li><a href="info.php">info.php</a>: <code>phpinfo()</code></li>
</ul>
<?php page_foot();
