"""gunicorn's settings for lexflow, read from the folder gunicorn is started in (the project's).
Workers, threads and the address are given on the command line (README, "In production")."""
import gc


def post_worker_init(worker):
    """The application just loaded lives as long as the worker: take its objects out of the
    cyclic garbage collector's reach. Otherwise every full collection walks all of them again,
    a pause of about 90 ms in the middle of someone's request, and there is one every few
    hundred requests; with them frozen it walks what the requests left, about a tenth."""
    gc.freeze()
    worker.log.info("lexflow: %d objects of the loaded application kept out of garbage collection",
                    gc.get_freeze_count())
