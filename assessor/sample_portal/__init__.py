"""A realistic demo public-service portal ("Cổng Dịch vụ công tỉnh Lâm Hà") with switchable defects.

Used by the demo and by the tests of every collector and check:

    from assessor.sample_portal.profile import resolve_profile
    from assessor.sample_portal.server import SamplePortal
    with SamplePortal(resolve_profile("poor", emc="complete")) as portal:
        ...  # portal.url, portal.ca_cert_path, portal.resolve, portal.emc_hits
"""
