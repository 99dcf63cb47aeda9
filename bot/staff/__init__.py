"""The clinic staff's side: server-rendered pages behind a login, a JSON API with a
bearer token, the patients' .ics calendar links, and the notification worker.
`python -m bot.staff serve` / `python -m bot.staff create-user NAME`."""
