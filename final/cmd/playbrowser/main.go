// Command playbrowser plays the browser's side of this step, so that a
// reader without a browser or a camera (on a server over SSH, say) can
// still drive the server and read its log. It does what the page (ui/static/
// app.js) and its RTCPeerConnection do, as far as step 4 goes:
//
//  1. it opens the WebSocket /ws and takes the server's offer;
//  2. it answers as a browser would: ICE credentials of its own, the
//     fingerprint of a fresh certificate, a=setup:active, a=sendonly, VP8
//     on the offer's payload type. Before sending, it checks its answer with
//     the server's own sdp.ParseAnswer and Offer.Check;
//  3. it reports the RTCPeerConnection states the page reports, and
//     trickles one host candidate;
//  4. as the controlling ICE agent it sends connectivity checks to the
//     server's candidates (RFC 8445 §7.2.4), one candidate after the other,
//     printing every request and response, and nominates the first pair
//     that works (§8.1.1);
//  5. it keeps consent fresh with a check every 4 to 6 s (RFC 7675 §5.1)
//     until interrupted;
//  6. once the pair is selected, it lets OpenSSL be the DTLS client: it
//     writes the answer's certificate and key to files, listens on
//     -dtls-relay and relays datagrams between OpenSSL and the server,
//     from the socket ICE validated (relay.go). It prints the openssl
//     command to run.
//
// What this proves: the server's offer can be answered, the server accepts
// an answer shaped like a browser's, and its ICE agent answers the checks
// of a controlling agent, from an address you choose, with the server's
// password. What only a real browser proves: that a real WebRTC stack
// accepts the offer; that the checks it sends, with its own attributes,
// pacing and pairs (several candidates, IPv6, mDNS names), are answered;
// how it behaves behind a real NAT; and, of course, the camera. For DTLS,
// OpenSSL's handshake proves that the server completes a DTLS 1.2 handshake
// with use_srtp and checks the client certificate against the answer's
// fingerprint; only a browser proves that a browser's DTLS stack (its
// cipher suites, extensions, DTLS 1.3 offer, retransmissions) is accepted,
// and that it checks the server's certificate against the offer's
// fingerprint, which s_client does not do.
//
//	go run ./step04-dtls/cmd/playbrowser [-page http://localhost:8080] [-dtls-relay 127.0.0.1:4444]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"nutsandbolts/final/fakebrowser"
	"nutsandbolts/final/ice"
	"nutsandbolts/final/signaling"
)

// options are the command line.
type options struct {
	page     string // the page's URL; the WebSocket is /ws on the same host
	relay    string // where OpenSSL sends its DTLS; "" for no relay
	certFile string // where to write the answer's certificate; "" for a temporary file
	keyFile  string // where to write its private key; "" for a temporary file
}

func main() {
	var opt options
	flag.StringVar(&opt.page, "page", "http://localhost:8080", "the `URL` of the server's page, as a browser would open it")
	flag.StringVar(&opt.relay, "dtls-relay", "127.0.0.1:4444", "the UDP `address` where OpenSSL's DTLS is relayed to the server once ICE has selected a pair; empty for none")
	flag.StringVar(&opt.certFile, "cert", "", "write the answer's certificate to this PEM `file` (default: a temporary directory)")
	flag.StringVar(&opt.keyFile, "key", "", "write the certificate's private key to this PEM `file` (default: a temporary directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opt, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "playbrowser:", err)
		os.Exit(1)
	}
}

// printer writes the narration, each line stamped with the time since the
// start, like the page's event log. Only the loop goroutine prints.
type printer struct {
	w  io.Writer
	t0 time.Time
}

func (p *printer) printf(format string, args ...any) {
	fmt.Fprintf(p.w, "%7.3fs  %s\n", time.Since(p.t0).Seconds(), fmt.Sprintf(format, args...))
}

// run plays one session, until ctx ends (nil) or something fails.
func run(ctx context.Context, opt options, out io.Writer) error {
	p := &printer{w: out, t0: time.Now()}
	sig, err := dialSignal(ctx, opt.page)
	if err != nil {
		return err
	}
	defer sig.close("stopped by the user")
	p.printf("WebSocket open: %s", sig.url)
	offer, err := sig.waitOffer(ctx, p)
	if err != nil {
		return err
	}
	sig.report(p, signaling.State{SignalingState: "have-remote-offer", ICEGatheringState: "new", ICEConnectionState: "new", ConnectionState: "new"})

	conn, err := net.ListenUDP("udp", nil)
	if err != nil {
		return err
	}
	defer conn.Close()
	ans, err := fakebrowser.MakeAnswer(offer, "playbrowser")
	if err != nil {
		return err
	}
	if err := sig.sendAnswer(ans.SDP); err != nil {
		return err
	}
	p.printf("answer sent: ufrag %s, fingerprint %s", ans.Ufrag, ans.Fingerprint)
	sig.report(p, signaling.State{SignalingState: "stable", ICEGatheringState: "gathering", ICEConnectionState: "new", ConnectionState: "new"})

	targets := orderTargets(offer.Candidates, opt.page)
	if len(targets) == 0 {
		return errors.New("the offer has no UDP candidate with an IP address to check")
	}
	port := conn.LocalAddr().(*net.UDPAddr).Port
	if err := sig.trickle(p, targets[0], port, offer.MID); err != nil {
		return err
	}
	st := sig.state
	st.ICEGatheringState = "complete"
	sig.report(p, st)

	c := fakebrowser.NewChecker(offer, ans)
	c.Logf = p.printf
	c.Start(time.Now(), targets)
	flush(p, conn, c)
	st.ICEConnectionState, st.ConnectionState = "checking", "connecting"
	sig.report(p, st)

	packets := readUDP(conn)
	timer := time.NewTimer(untilDeadline(c))
	defer timer.Stop()
	r := &relay{p: p, ice: conn} // it listens once the pair is selected
	defer r.close()
	var relayed <-chan datagram // from OpenSSL, once the relay listens
	for {
		o := fakebrowser.ICENone
		select {
		case <-ctx.Done():
			p.printf("interrupted: closing, as the page's Stop button does")
			sig.report(p, signaling.State{SignalingState: "closed", ICEGatheringState: st.ICEGatheringState, ICEConnectionState: "closed", ConnectionState: "closed"})
			return nil
		case m, ok := <-sig.in:
			if !ok {
				return sig.closed(p)
			}
			sig.show(p, m)
		case d := <-relayed:
			r.fromClient(d, c.Target())
		case d, ok := <-packets:
			if !ok {
				return errors.New("UDP socket closed")
			}
			switch kind := ice.Classify(d.data); kind {
			case ice.KindSTUN:
				o = c.Handle(time.Now(), d.from, d.data)
			case ice.KindDTLS:
				if r.fromServer(d) {
					st.ConnectionState = "connected"
					sig.report(p, st)
				}
			default:
				p.printf("← %v  %v datagram, %d bytes: ignored", d.from, kind, len(d.data))
			}
		case now := <-timer.C:
			o = c.Timeout(now)
		}
		flush(p, conn, c)
		switch o {
		case fakebrowser.ICEPairValid:
			st.ICEConnectionState = "connected"
			sig.report(p, st)
		case fakebrowser.ICEPairSelected:
			if opt.relay != "" && r.local == nil {
				if err := r.start(opt, ans.Cert); err != nil {
					return err
				}
				relayed = readUDP(r.local)
			}
		case fakebrowser.ICEFailed:
			st.ICEConnectionState, st.ConnectionState = "failed", "failed"
			sig.report(p, st)
			return errors.New("ICE failed: " + c.Why())
		}
		timer.Reset(untilDeadline(c))
	}
}

// datagram is one UDP datagram received.
type datagram struct {
	from netip.AddrPort
	data []byte
}

// readUDP reads conn on a goroutine of its own until it is closed.
func readUDP(conn *net.UDPConn) <-chan datagram {
	ch := make(chan datagram, 16)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 1500)
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue // e.g. ICMP port unreachable from a candidate that is not there
			}
			ch <- datagram{from: netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), data: buf[:n]}
		}
	}()
	return ch
}

// flush sends what the checker queued.
func flush(p *printer, conn *net.UDPConn, c *fakebrowser.Checker) {
	for _, d := range c.Out {
		if _, err := conn.WriteToUDPAddrPort(d.Data, d.To); err != nil {
			p.printf("cannot send to %v: %v", d.To, err)
		}
	}
	c.Out = c.Out[:0]
}

// untilDeadline is how long until the checker's next timer; an hour when
// none runs.
func untilDeadline(c *fakebrowser.Checker) time.Duration {
	if d, ok := c.Deadline(); ok {
		return time.Until(d)
	}
	return time.Hour
}
