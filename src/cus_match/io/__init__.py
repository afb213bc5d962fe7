"""Reading and writing instances and results (JSON; spreadsheets come as an optional extra)."""
