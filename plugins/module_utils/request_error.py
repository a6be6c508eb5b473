# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two errors the modules and the host's helpers report (stdlib only)."""


class RequestError(ValueError):
    """A request that breaks one of SageMaker's constraints; the message names value and rule."""


class RecordError(Exception):
    """The instance record on the host cannot be read as one; the message says what to do."""
