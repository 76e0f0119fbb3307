package webhooks

import (
	"net/netip"
	"testing"
)

func TestDeliverable(t *testing.T) {
	for _, tc := range []struct {
		addr     string
		loopback bool
		want     bool
	}{
		{"93.184.216.34", false, true},
		{"2606:2800:220:1:248:1893:25c8:1946", false, true},
		{"127.0.0.1", false, false},
		{"127.0.0.1", true, true},
		{"::1", true, true},
		{"::ffff:127.0.0.1", false, false},
		{"10.1.2.3", true, false},
		{"172.16.0.1", false, false},
		{"192.168.1.1", false, false},
		{"169.254.169.254", true, false},
		{"fd00:ec2::254", false, false},
		{"fe80::1", false, false},
		{"100.64.0.1", false, false},
		{"0.0.0.0", true, false},
		{"::", true, false},
		{"224.0.0.1", false, false},
		{"255.255.255.255", false, false},
		{"64:ff9b::a00:1", false, false},
		{"::ffff:10.0.0.1", false, false},
		{"::127.0.0.1", true, false},
		{"::a9fe:a9fe", false, false},
		{"::ffff:0:7f00:1", false, false},
		{"fec0::1", false, false},
		{"2001::a9fe:a9fe", false, false},
		{"2002:a9fe:a9fe::1", false, false},
		{"192.88.99.1", false, false},
		{"2a00:1450:4001:80b::200e", false, true},
	} {
		if got := Deliverable(netip.MustParseAddr(tc.addr), tc.loopback); got != tc.want {
			t.Errorf("Deliverable(%s, loopback %t) = %t, want %t", tc.addr, tc.loopback, got, tc.want)
		}
	}
}
