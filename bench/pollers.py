"""Users who open the settings page and poll it as its script does, in a process of their own:
in the benchmark's process, their threads would share its GIL with the load generator and
inflate the very latencies measured. Imports nothing of Django's."""

import threading
import time

import requests


def _user(url, cookies, stop, counts):
    session = requests.Session()
    session.cookies.update(cookies)
    path = "/quickbooks/"
    while not stop.is_set():
        text = session.get(url + path, allow_redirects=False).text
        marker = 'data-conductor-status-url="'
        if marker not in text:
            return
        status = text.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")
        delay = 0.25
        while not stop.is_set():
            time.sleep(delay)
            delay = min(0.5, delay * 1.5)
            counts["polls"] += 1
            if session.get(url + status).json()["final"]:
                break
        # The next visit asks again, as a user coming back to the page does.
        path = "/quickbooks/?refresh=1"


def run(url, users, stop, polls):
    """Until ``stop`` is set: each of ``users`` (session cookies) opens the page and polls;
    ``polls`` (a shared value) counts the polls."""
    counts = {"polls": 0}
    threads = [threading.Thread(target=_user, args=(url, c, stop, counts)) for c in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    polls.value = counts["polls"]
