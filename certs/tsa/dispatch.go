package tsa

import (
	"context"
	"net/http"
)

// Dispatcher serves one time-stamping endpoint with two authorities: a
// request whose imprint is SM3 is answered by SM2, any other by P256. A
// nil authority makes its requests fall to the other one.
type Dispatcher struct {
	SM2, P256 *Authority
}

// Respond implements Service.
func (d Dispatcher) Respond(ctx context.Context, der []byte) []byte {
	a := d.P256
	if req, err := ParseRequest(der); (err == nil && req.Hash == SM3 && d.SM2 != nil) || a == nil {
		a = d.SM2
	}
	if a == nil {
		return rejection(FailSystemFailure, "no time-stamping authority configured")
	}
	return a.Respond(ctx, der)
}

// Handler is Authority.Handler for the pair.
func (d Dispatcher) Handler() http.Handler { return handler(d) }
