"""LMS sandbox: a stateful local emulator of the iSpring Learn (token, SOAP and REST) and EduBrite
(form-post XML) APIs, for the learnops.lms collection's tests, benchmarks and demo.

Run it with ``PYTHONPATH=sandbox python -m lms_sandbox --help``.
"""

__version__ = "1.0.0"
