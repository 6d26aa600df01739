from ofsted_record.cli import app

app()
