"""What every provider's JSON API shares (needs djangorestframework): one error shape with an
HTTP status that says whose fault it was, our own sentences in the request's language, JSON
only whatever the host's ``REST_FRAMEWORK`` says, and the owner the request resolves to."""
