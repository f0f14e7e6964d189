"""rundemo's children: a crashed one is restarted with backoff, the others
keep running, and stopping stops all (issue 13, defect 1)."""

import sys
import threading
import time

from kedai.core.supervisor import Supervisor

CRASH = [sys.executable, "-c", "import sys; sys.exit(3)"]
SERVE = [sys.executable, "-c", "import time; time.sleep(120)"]


def test_a_crashed_child_is_restarted_with_backoff_and_stop_stops_all():
    said: list[str] = []
    supervisor = Supervisor({"worker": CRASH, "web": SERVE}, first_backoff=0.2,
                            max_backoff=0.8, say=said.append)
    loop = threading.Thread(target=supervisor.run, kwargs={"interval": 0.05})
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while (supervisor.children["worker"].restarts < 3
               and time.monotonic() < deadline):
            time.sleep(0.05)
        web = supervisor.children["web"].process
        worker = supervisor.children["worker"]
        # Given a child that keeps crashing: it was restarted, each time
        # after a longer pause, and the web server was never touched.
        assert worker.restarts >= 3
        assert worker.exit_codes[:3] == [3, 3, 3]
        assert worker.backoff == 0.8
        assert web is not None and web.poll() is None
        assert supervisor.children["web"].restarts == 0
        assert "worker exited with code 3" in said[0]
    finally:
        # When Ctrl-C arrives (the signal handler calls request_stop)...
        supervisor.request_stop()
        loop.join(timeout=20)
    # ...everything stops, and nothing is restarted.
    assert not loop.is_alive()
    assert all(c.process.poll() is not None for c in supervisor.children.values())
    restarts = supervisor.children["worker"].restarts
    time.sleep(0.5)
    assert supervisor.children["worker"].restarts == restarts
