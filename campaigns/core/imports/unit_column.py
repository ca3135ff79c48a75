"""The administrative unit's code column, spelled the same in every import that names units (statistics, activity
logs): its Vietnamese header and the other spellings offices give it (compared as ``headers.header_key`` folds them)."""

HEADER = "Mã ĐVHC"
ALIASES = ("ma don vi hanh chinh", "ma don vi", "ma dv")
