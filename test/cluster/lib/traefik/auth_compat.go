package auth

// Traefik builds against its own fork of this library, which the module proxy does not
// serve. The fork adds the two functions below to v0.4.0; they are written here on top of
// v0.4.0's own code so the basicAuth and digestAuth middlewares behave as Traefik documents.

import (
	"net/http"
	"strings"
)

// CheckSecret reports whether password matches secret (an htpasswd entry: bcrypt, {SHA} or
// MD5-crypt), with the same choice of comparison as BasicAuth.CheckAuth.
func CheckSecret(password, secret string) bool {
	compare := compareFuncs[0].compare
	for _, cmp := range compareFuncs[1:] {
		if strings.HasPrefix(secret, cmp.prefix) {
			compare = cmp.compare
			break
		}
	}
	return compare([]byte(secret), []byte(password)) == nil
}

// RequireAuthStale asks the client to authenticate again with a fresh nonce.
func (a *DigestAuth) RequireAuthStale(w http.ResponseWriter, r *http.Request) {
	a.RequireAuth(w, r)
}
