<?php
// layout.php: the head and foot every example page shares (included,
// and harmless when requested: it prints nothing by itself).
function page_head(string $title): void
{
	header('Content-Type: text/html; charset=utf-8');
	echo "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n",
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
	    "<title>", htmlspecialchars($title), "</title>\n",
	    "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n<body>\n",
	    "<h1>", htmlspecialchars($title), "</h1>\n";
}

function page_foot(): void
{
	echo "<footer><p><a href=\"index.php\">PHP examples</a> &middot; ",
	    "PHP ", htmlspecialchars(PHP_VERSION), " (",
	    htmlspecialchars(PHP_SAPI), ") in a cgijail sandbox</p></footer>\n",
	    "</body></html>\n";
}
