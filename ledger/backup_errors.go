package ledger

// The refusals of backup and restore (backup.go). Args documented beside each code are
// what the message uses.
const (
	CodeNotABackup       Code = "backup.not_a_backup"    // path: not a ShopBooks backup (another program's file)
	CodeBackupTruncated  Code = "backup.truncated"       // path: shorter than its header says
	CodeBackupCorrupt    Code = "backup.corrupt"         // path: a checksum, tag or the compressed data does not match
	CodeBackupPassword   Code = "backup.bad_password"    // path
	CodeBackupNeedsPass  Code = "backup.password_needed" // path: the backup is encrypted
	CodeBackupNewer      Code = "backup.newer_version"   // path, book, app: made by a newer ShopBooks
	CodeBackupUnverified Code = "backup.unverified"      // path, check: the written backup failed its check and was deleted
	CodeBackupBookSound  Code = "backup.book_sound"      // path: the book opens; restore it as one of its admins
	CodeBookInUse        Code = "backup.book_in_use"     // path: another window or program has the book open
)
