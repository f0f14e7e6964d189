"""Error pages: friendly, with a search box, and never a stack trace."""

from django.shortcuts import render


def not_found(request, exception):
    return render(request, "404.html", status=404)


def forbidden(request, exception):
    return render(request, "403.html", status=403)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def server_error(request):
    # No context processors: the database may be what failed.
    import sys

    from django.http import HttpResponseServerError
    from django.template import loader

    from kedai.core.busy import busy_response, is_database_busy

    # Called while Django handles the exception, so it is still current.
    if is_database_busy(sys.exc_info()[1]):
        return busy_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
