"""A realistic demo public-service portal ("Cổng Dịch vụ công tỉnh Lâm Hà") with switchable defects.

Used by the demo and by the tests of every collector and check:

    from assessor.sample_portal.profile import resolve_profile
    from assessor.sample_portal.server import SamplePortal
    with SamplePortal(resolve_profile("poor", emc="complete")) as portal:
        ...  # portal.url, portal.http_url, portal.ca_cert_path, portal.resolve, portal.emc_hits, portal.paths

Modules: `profile` (flags and named profiles), `content` (fictional data), `paths` (URLs per theme),
`pages` (pages as data, routing, function defects), `emc` (the tracking snippet), `render` (Jinja and
SPA JSON), `app` (request -> response: host routing, headers, files, sessions), `server` (TLS,
threads, `SamplePortal`, `serve`), `process` (`SamplePortalProcess`: the same portal served from a
child process, for the demo, campaigns and benchmarks that measure it). Run it with
`python -m assessor.sample_portal --help`.
"""
