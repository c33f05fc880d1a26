"""The four capstone projects; each sub-package follows the same pattern as a week."""
