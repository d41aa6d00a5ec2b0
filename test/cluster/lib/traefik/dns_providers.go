// Package dns, trimmed: lego's generated list links about 180 DNS providers for ACME's
// DNS-01 challenge, and the module proxy does not serve the SDKs of a dozen of them. The
// test cluster issues no certificates; the providers kept here need nothing beyond lego.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
	"github.com/go-acme/lego/v5/providers/dns/dnsupdate"
	"github.com/go-acme/lego/v5/providers/dns/exec"
	"github.com/go-acme/lego/v5/providers/dns/httpreq"
)

// NewDNSChallengeProviderByName returns the DNS-01 provider of that name.
func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	switch name {
	case "exec":
		return exec.NewDNSProvider()
	case "httpreq":
		return httpreq.NewDNSProvider()
	case "dnsupdate", "rfc2136":
		return dnsupdate.NewDNSProvider()
	default:
		return nil, fmt.Errorf("unrecognized DNS provider: %s (this build keeps exec, httpreq and rfc2136)", name)
	}
}
