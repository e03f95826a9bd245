"""Files made from the data for people to download: the agenda (JSON, ICS, PDF) and delegate lists."""
