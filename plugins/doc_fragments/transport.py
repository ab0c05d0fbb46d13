# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  validate_certs:
    description:
      - Verify the service's TLS certificate.
      - Set to V(false) only for a test service with a self-signed certificate; prefer O(ca_path).
      - Applies to this task's connection only, never to the whole process.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the CA certificates to trust when verifying the service's certificate.
      - Without it, the CA bundle named by the environment variable E(REQUESTS_CA_BUNDLE) (or
        E(CURL_CA_BUNDLE)) on the controller, else that of requests (certifi). Proxies come from
        E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY); the environment is read once per host and task.
    type: path
  timeout:
    description:
      - Seconds to wait for the service to connect and to answer each request.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is repeated when the service is unreachable, throttles (HTTP 429,
        503) or, for requests that are safe to repeat, times out or answers HTTP 502 or 504.
      - Waits grow exponentially with random jitter; a C(Retry-After) header is honoured.
      - V(0) disables retries.
    type: int
    default: 5
  retry_max_time:
    description:
      - The most seconds one request may spend in retries before the task fails.
    type: float
    default: 120
  max_parallel:
    description:
      - The most write calls in flight at once, over the task's one connection (and, for EduBrite,
        twice as many user look-ups). V(1) sends one call after the other.
      - Calls that cannot be merged into one (iSpring learners with different dates or reasons,
        iSpring enrollments to change, EduBrite members with their own values) are where this saves
        time.
      - Mind the tenant's rate limit - when the service answers HTTP 429 or 503, the module halves
        the number once per burst of refusals (and waits as C(Retry-After) says, the waiting call
        leaving its place to another meanwhile), grows it back after many replies in a row that are
        not refused, never above this value, and warns how often it was throttled; a task that
        fails because calls stay refused says to lower this.
      - Neither vendor documents a rate limit, so the default is an assumption - sized so that
        10,000 EduBrite members with their own values take well under a minute at a 25 ms round
        trip (one call each, the API has no other way). Lower it if the throttling warning comes on
        every run; raise it for a one-off migration the tenant's owner has agreed to.
    type: int
    version_added: 2.0.0
    default: 16
requirements:
  - requests
  - lxml
"""
