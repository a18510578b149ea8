"""``make bench``: Journey's pages under load, against a bare Flask endpoint (see __main__)."""
