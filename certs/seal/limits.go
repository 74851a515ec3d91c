package seal

// Parse limits. Inputs beyond them fail with ErrTooLarge.
const (
	// MaxSealSize caps a DER SESeal (the picture is most of it).
	MaxSealSize = 4 << 20
	// MaxSignatureSize caps a DER SES_Signature (a seal plus a signer
	// certificate, a hash, a property string and a time-stamp token).
	MaxSignatureSize = MaxSealSize + 256<<10
	// MaxCertificates caps the entries of a certificate list.
	MaxCertificates = 32
	// MaxExtensions caps the entries of an extDatas list.
	MaxExtensions = 32
)
