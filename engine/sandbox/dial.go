package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Clients.Dial of the sandbox: a TCP connection from this machine, which
// is outside every VPC, to a name the sandbox gave. A load balancer's name
// reaches its loopback listener. A database endpoint answers as AWS's
// network would: it is reached only when the instance is publicly
// accessible and one of its security groups admits an internet address on
// its port; otherwise the connection is refused, with the rule that
// refused it. (On AWS a private endpoint resolves to an address in the VPC
// and the connect times out instead; either way nothing gets in.) An
// admitted connection completes its TCP handshake with a loopback listener
// and is then closed: the sandbox runs no database server to speak its
// protocol, and says so rather than pretend.

type dialer struct{ s *Sandbox }

func (s *Sandbox) newDialer() cloud.Dialer { return dialer{s} }

// refused is a connection the sandbox's network turned away; errors.Is
// finds syscall.ECONNREFUSED in it, as in a real refusal.
type refused struct{ why string }

func (e *refused) Error() string        { return "connection refused: " + e.why }
func (e *refused) Is(target error) bool { return target == syscall.ECONNREFUSED }

func (d dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox dial: %w", err)
	}
	nd := &net.Dialer{Timeout: 5 * time.Second}
	if host == "localhost" || net.ParseIP(host).IsLoopback() {
		return nd.DialContext(ctx, network, addr)
	}
	if strings.HasSuffix(strings.ToLower(host), ".elb.amazonaws.com") {
		local, err := d.s.resolveLB(addr)
		if err != nil {
			return nil, err
		}
		return nd.DialContext(ctx, network, local)
	}
	p, _ := strconv.Atoi(port)
	why, admitted, err := d.s.fromOutside(ctx, host, int32(p))
	if err != nil {
		return nil, err
	}
	if !admitted {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &refused{why}}
	}
	return acceptOnce(ctx, nd, network)
}

// fromOutside says whether a connection from the internet to host:port
// gets in, and why not.
func (s *Sandbox) fromOutside(ctx context.Context, host string, port int32) (why string, admitted bool, err error) {
	err = s.internal(ctx, func(t *tx) error {
		for _, k := range sortedKeys(t.r.RDS.Instances) {
			db := t.r.RDS.Instances[k]
			if db.Status == "creating" || !strings.EqualFold(t.rdsAddress(db), host) {
				continue
			}
			switch {
			case port != db.Port:
				why = fmt.Sprintf("%s listens on port %d, not %d", db.ID, db.Port, port)
			case !db.Public:
				why = fmt.Sprintf("%s is not publicly accessible: its endpoint is an address inside %s, which nothing outside the VPC reaches", db.ID, db.VPC)
			default:
				why, admitted = t.admitsInternet(db.SGs, port)
			}
			return nil
		}
		if why = t.cacheFromOutside(host); why != "" {
			return nil
		}
		if ns := t.connectAlias(host); ns != "" {
			return noSuchHost(host, "a Service Connect name of "+ns+": only the tasks of that namespace know it, nothing outside the app's VPC does")
		}
		return fmt.Errorf("sandbox dial: no such host %s: the sandbox reaches only its own load balancers and database endpoints", host)
	})
	return why, admitted, err
}

// admitsInternet finds an ingress rule of the groups that lets an internet
// address in on port, or says which sources the groups do admit.
func (t *tx) admitsInternet(groups []string, port int32) (string, bool) {
	var admits []string
	for _, id := range groups {
		g, err := t.sgByID(id)
		if err != nil {
			continue
		}
		for _, r := range g.Rules {
			if r.Egress || !(r.Proto == "-1" || r.Proto == "tcp" || r.Proto == "6") || (r.Proto != "-1" && (port < r.From || port > r.To)) {
				continue
			}
			switch {
			case r.Group != "":
				admits = append(admits, r.Group)
			case r.CIDR != "" && publicRange(r.CIDR), r.CIDR6 != "":
				return fmt.Sprintf("%s admits %s on port %d", id, r.CIDR+r.CIDR6, port), true
			case r.CIDR != "":
				admits = append(admits, r.CIDR)
			}
		}
	}
	if len(admits) == 0 {
		return fmt.Sprintf("%s admit nothing on port %d", strings.Join(groups, ", "), port), false
	}
	return fmt.Sprintf("%s admit port %d only from %s, and this connection comes from outside the VPC", strings.Join(groups, ", "), port, strings.Join(admits, ", ")), false
}

// publicRange reports whether a CIDR holds any internet address: anything
// but a range inside the private, shared or loopback blocks.
func publicRange(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	for _, priv := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8"} {
		q := netip.MustParsePrefix(priv)
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return false
		}
	}
	return true
}

// acceptOnce completes a TCP handshake with a loopback listener that then
// closes, which is all of a connection the sandbox can honestly give.
func acceptOnce(ctx context.Context, nd *net.Dialer, network string) (net.Conn, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	_ = l.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second)) // never outlive an abandoned dial
	go func() {
		defer l.Close()
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	return nd.DialContext(ctx, network, l.Addr().String())
}
