"""A typed client for the Likeness face identity service (standard library only).

    from likeness import Client, NotFoundError
    client = Client("http://127.0.0.1:8080", api_key)
"""

__version__ = "0.1.0"

from .client import Client, client_operations, operation  # noqa: E402
from .errors import *  # noqa: E402,F401,F403
from .errors import __all__ as _errors
from .models import *  # noqa: E402,F401,F403
from .models import __all__ as _models
from .multipart import FilePart, ImageInput  # noqa: E402

__all__ = ["Client", "client_operations", "operation", "FilePart", "ImageInput", "__version__", *_errors, *_models]
