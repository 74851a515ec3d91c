// Package auth holds the portal's password hashing: argon2id in the
// PHC string format
//
//	$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>
//
// (salt and hash in unpadded standard base64). HashPassword produces such a
// string with DefaultParams; CheckPassword verifies a password against one
// in constant time. Parameters read from a stored string are bounded
// (MaxMemoryKiB, MaxTime, MaxThreads, salt and hash lengths) so a corrupt
// or hostile record cannot make a login exhaust the machine.
//
// Seeding and account administration call HashPassword; the portal's login
// calls CheckPassword.
package auth
