"""Reports: render assessments; never compute a score."""
