"""Telling the clinic about new bookings and callback requests: an outbox in the
database (written in the booking's own transaction) and a worker that delivers it
by e-mail and, optionally, to a Telegram staff chat, retrying with back-off."""
