package webhooks

import "net/netip"

// nonPublic are the ranges, beyond what netip's predicates name, that a
// delivery must not reach: shared address space (carrier-grade NAT), the
// IETF protocol assignments, documentation and benchmarking ranges, the
// reserved 240/4, the old 6to4 relay anycast, and the NAT64, 6to4 and
// Teredo prefixes, through which an IPv6 address can reach an internal
// IPv4 one.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("192.88.99.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001::/23"), // IETF protocol assignments, Teredo (2001::/32) among them
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
}

// Deliverable reports whether a delivery may connect to ip: a public
// unicast address, or a loopback one when allowLoopback (development and
// tests). Private, link-local (the cloud metadata address 169.254.169.254
// among them), multicast, unspecified and reserved addresses never are.
// The worker's dialer checks each address it connects to, after DNS
// resolution, so a name that resolves to a public address when the
// endpoint is created and to an internal one later (DNS rebinding) is
// refused at the connection.
func Deliverable(ip netip.Addr, allowLoopback bool) bool {
	ip = ip.Unmap()
	if !ip.IsValid() {
		return false
	}
	if ip.IsLoopback() {
		return allowLoopback
	}
	if ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return false
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// globalUnicast6 is the IPv6 global unicast space: every other IPv6
// address (IPv4-compatible ::a.b.c.d, SIIT ::ffff:0:a.b.c.d, site-local
// fec0::/10, …) is refused outright rather than listed range by range.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")
