"""giaithuong: runs a national award campaign end to end."""
