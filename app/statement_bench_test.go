package app

import (
	"testing"

	"sihub/signer"
)

// BenchmarkIssueStatement measures a whole issuance of the demo person's
// four-page yearly rights statement: read the records, compute the
// account, render, seal, store and audit — per document, on all cores.
func BenchmarkIssueStatement(b *testing.B) {
	benchIssue(b, func(a *App, alg string) signer.IssueRequest {
		return signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: a.Config.Now().Year() - 1,
			Algorithms: []string{alg}, Actor: "bench"}
	})
}
