// Package ext is Traefik's extension point for its dynamic configuration: two structs
// embedded in dynamic.HTTPConfiguration and dynamic.Router. Traefik's own build replaces the
// module with a directory of its repository that its published module does not contain, and
// the module proxy does not serve it; the open-source build adds no fields, so neither do we.
package ext

type HTTP struct{}

type Router struct{}
