package fakebrowser

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/final/dtls"
	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
	"nutsandbolts/final/srtp"
)

// Phase is how far a session has got, in order.
type Phase int

const (
	PhaseNone      Phase = iota
	PhaseWebSocket       // the WebSocket is open
	PhaseOffer           // the server's offer has arrived
	PhaseAnswer          // our answer is sent
	PhaseICE             // our nomination was answered: the pair is selected
	PhaseDTLS            // the handshake is complete and the SRTP keys made
	PhaseMedia           // the first RTP packet is sent
	PhaseShot            // the server announced the first JPEG of our video
)

var phaseNames = [...]string{"none", "websocket", "offer", "answer", "ice", "dtls", "media", "shot"}

func (p Phase) String() string {
	if p >= 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("phase(%d)", int(p))
}

// MarshalText writes the phase's name, for JSON.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Config is one simulated browser.
type Config struct {
	// URL is the server's page, e.g. http://127.0.0.1:8080: the
	// WebSocket is its /ws, the JPEGs its /shots/….
	URL string
	// LocalAddr is the source address of every socket of the session,
	// TCP and UDP; the zero Addr lets the system choose. Loopback
	// addresses 127.0.0.2, 127.0.0.3, … let one machine look like many
	// (the server limits sessions per address).
	LocalAddr netip.Addr
	// Clip is the video to send. Nil: the session stops after DTLS.
	Clip *Clip
	// StopAfter ends the session as soon as it reaches this phase; the
	// session counts as a success. PhaseNone: run until ctx ends.
	StopAfter Phase
	// Abrupt ends the session without goodbyes: no RTCP BYE, no DTLS
	// close_notify, no WebSocket close frame, as when a tab is killed.
	Abrupt bool
	// Vanish, when not zero, makes the end worse than Abrupt: for this
	// long the session sends nothing, reads nothing and closes nothing,
	// as a phone that lost its network; then its sockets are closed. The
	// server must find out by itself (ICE consent, the WebSocket's
	// timeouts).
	Vanish time.Duration
	// Drain is how long, once ctx ends, to wait with the media stopped
	// for the JPEGs of the keyframes sent and for their checks.
	Drain time.Duration
	// SnapshotEvery asks the server for a snapshot this often once the
	// media flows; 0: never.
	SnapshotEvery time.Duration
	// SkipVerify leaves the JPEGs unchecked (not downloaded).
	SkipVerify bool
	// SetupTimeout bounds the time from dialing to the DTLS handshake's
	// end. Default 20 s.
	SetupTimeout time.Duration
}

// Result is what one session did.
type Result struct {
	Local    string `json:"local"`             // source address
	Session  string `json:"session"`           // the server's id for it
	OK       bool   `json:"ok"`                //
	Err      string `json:"error,omitempty"`   // why it failed
	FailedIn Phase  `json:"failed_in"`         // the phase it was in when it failed
	Reached  Phase  `json:"reached"`           // the last phase reached
	Stopped  bool   `json:"stopped,omitempty"` // ctx ended before the media flowed: not a failure of the server's

	// Setup holds, for each phase reached, the milliseconds since the
	// WebSocket opened; "websocket" is how long dialing took.
	Setup      map[string]float64 `json:"setup_ms"`
	Milestones map[string]int64   `json:"server_milestones_ms,omitempty"` // the server's "milestone" messages

	Media       MediaStats            `json:"media"`
	Shots       []*ShotResult         `json:"shots"`
	Snapshots   int                   `json:"snapshots_asked"`
	ServerMedia *signaling.MediaStats `json:"server_media,omitempty"` // the last "media" message
	Errors      []string              `json:"server_errors,omitempty"`
	CloseCode   int                   `json:"close_code,omitempty"` // of the server's close frame, if it closed first
}

// Verified counts the shots checked good.
func (r *Result) Verified() int {
	n := 0
	for _, s := range r.Shots {
		if s.Verified {
			n++
		}
	}
	return n
}

// maxServerErrors caps the errors kept per session.
const maxServerErrors = 16

// Run plays one browser until ctx ends, cfg.StopAfter is reached or
// something fails, and returns what happened. It closes everything it
// opened and leaves no goroutine behind.
func Run(ctx context.Context, cfg Config) *Result {
	p := &peer{cfg: cfg, res: &Result{Setup: map[string]float64{}, Milestones: map[string]int64{}},
		stop: make(chan struct{}), verified: make(chan verifyDone), shots: map[string]*ShotResult{}}
	p.res.Local = cfg.LocalAddr.String()
	p.verifyCtx, p.cancelVerify = context.WithCancel(context.Background())
	if p.cfg.SetupTimeout <= 0 {
		p.cfg.SetupTimeout = 20 * time.Second
	}
	p.run(ctx)
	p.close()
	p.res.OK = p.err == nil && !p.res.Stopped
	if p.err != nil {
		p.res.Err = p.err.Error()
	}
	return p.res
}

// peer is the state of one session; only Run's goroutine touches it.
type peer struct {
	cfg  Config
	res  *Result
	base *url.URL
	err  error // the failure, first one wins

	t0     time.Time // dialing started
	opened time.Time // the WebSocket opened
	phase  Phase

	ws     *websocket.Conn
	wsIn   chan wsMessage // from the reader; the last one carries its error
	udp    *net.UDPConn
	udpIn  chan datagram
	stop   chan struct{} // closed at the end: the readers give up sending
	wg     sync.WaitGroup
	client *http.Client

	offer    *Offer
	answer   *Answer
	ice      *Checker
	dtls     *dtls.ClientConn
	srtpIn   *srtp.Context // the server's SRTCP
	media    *sender
	fatal    string    // the server's fatal error, until its close frame comes
	fatalBy  time.Time // when to stop waiting for that close frame
	ending   bool      // ctx ended: draining or closing
	drainTo  time.Time // end of the drain
	nextSnap time.Time

	shots        map[string]*ShotResult
	verifyCtx    context.Context
	cancelVerify context.CancelFunc
	verified     chan verifyDone
	checking     int // verifications running
}

type wsMessage struct {
	msg serverMessage
	err error // the socket failed (the last message)
}

type datagram struct {
	from netip.AddrPort
	data []byte
}

type verifyDone struct {
	shot *ShotResult
	w, h int
	psnr float64
	err  error
}

// fail records the session's failure.
func (p *peer) fail(err error) {
	if p.err == nil {
		p.err = err
		p.res.FailedIn = p.phase
	}
}

// reach records a phase and its time since the WebSocket opened.
func (p *peer) reach(ph Phase, now time.Time) {
	if ph <= p.phase {
		return
	}
	p.phase, p.res.Reached = ph, ph
	if ph == PhaseWebSocket {
		p.res.Setup[ph.String()] = ms(now.Sub(p.t0))
	} else {
		p.res.Setup[ph.String()] = ms(now.Sub(p.opened))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// done reports whether the session should end now.
func (p *peer) done() bool {
	if p.err != nil || p.stopNow() {
		return true
	}
	if !p.ending {
		return false
	}
	// Draining: every keyframe sent should have come back as a JPEG, and
	// every JPEG be checked.
	return p.media == nil || p.checking == 0 && len(p.shots) >= p.media.stats.Keyframes ||
		!time.Now().Before(p.drainTo)
}

// stopNow reports whether cfg.StopAfter is reached.
func (p *peer) stopNow() bool { return p.cfg.StopAfter != PhaseNone && p.phase >= p.cfg.StopAfter }

// run is the session.
func (p *peer) run(ctx context.Context) {
	var err error
	if p.base, err = url.Parse(p.cfg.URL); err != nil || p.base.Host == "" {
		p.fail(fmt.Errorf("URL %q: want one like http://127.0.0.1:8080", p.cfg.URL))
		return
	}
	p.t0 = time.Now()
	if !p.dial(ctx) {
		return
	}
	setupEnd := p.t0.Add(p.cfg.SetupTimeout)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	ctxDone := ctx.Done()
	for !p.done() {
		timer.Reset(time.Until(p.deadline(setupEnd)))
		select {
		case <-ctxDone:
			ctxDone = nil
			p.end(time.Now())
		case m := <-p.wsIn:
			p.handleWS(time.Now(), m)
		case d := <-p.udpIn:
			p.handleUDP(time.Now(), d)
		case v := <-p.verified:
			p.checked(v)
		case now := <-timer.C:
			if p.phase < PhaseDTLS && !now.Before(setupEnd) {
				p.fail(fmt.Errorf("setup not complete after %v", p.cfg.SetupTimeout))
				break
			}
			p.timeout(now)
		}
		p.flush()
	}
}

// dial opens the WebSocket from our address.
func (p *peer) dial(ctx context.Context) bool {
	u := *p.base
	u.Scheme = map[string]string{"https": "wss"}[u.Scheme]
	if u.Scheme == "" {
		u.Scheme = "ws"
	}
	u.Path, u.RawQuery, u.Fragment = "/ws", "", ""
	nd := &net.Dialer{Timeout: 10 * time.Second}
	if p.cfg.LocalAddr.IsValid() {
		nd.LocalAddr = &net.TCPAddr{IP: p.cfg.LocalAddr.AsSlice()}
	}
	d := websocket.Dialer{NetDialContext: nd.DialContext, HandshakeTimeout: 10 * time.Second}
	dctx, cancel := context.WithTimeout(ctx, p.cfg.SetupTimeout)
	defer cancel()
	conn, resp, err := d.DialContext(dctx, u.String(), nil)
	if err != nil {
		// The dial fails at ctx's deadline, sometimes a moment before
		// ctx says so.
		if d, ok := ctx.Deadline(); ctx.Err() != nil || ok && !time.Now().Before(d) {
			p.res.Stopped = true
			return false
		}
		if resp != nil {
			err = fmt.Errorf("%w (HTTP %s)", err, resp.Status)
		}
		p.fail(fmt.Errorf("websocket: %w", err))
		return false
	}
	p.ws = conn
	p.opened = time.Now()
	p.reach(PhaseWebSocket, p.opened)
	// JPEGs are fetched from the same address, one connection each: no
	// idle connection (and its goroutines) outlives the session.
	p.client = &http.Client{Transport: &http.Transport{DialContext: nd.DialContext, DisableKeepAlives: true}}
	p.wsIn = make(chan wsMessage, 16)
	p.wg.Add(1)
	go p.readWS()
	return true
}

// readWS passes the server's messages to the loop until the socket fails.
func (p *peer) readWS() {
	defer p.wg.Done()
	for {
		_, data, err := p.ws.ReadMessage()
		var m wsMessage
		if err != nil {
			m.err = err
		} else if m.msg, err = parseServerMessage(data); err != nil {
			m.msg.Type = "" // ignored, but said
			m.msg.Error.Message = fmt.Sprintf("unreadable message: %v", err)
		}
		select {
		case p.wsIn <- m:
		case <-p.stop:
			return
		}
		if m.err != nil {
			return
		}
	}
}

// readUDP passes datagrams to the loop until the socket is closed.
func (p *peer) readUDP() {
	defer p.wg.Done()
	for {
		buf := make([]byte, 1500)
		n, from, err := p.udp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // e.g. ICMP port unreachable
		}
		select {
		case p.udpIn <- datagram{from: netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), data: buf[:n]}:
		case <-p.stop:
			return
		}
	}
}

// handleWS acts on one message from the server.
func (p *peer) handleWS(now time.Time, m wsMessage) {
	if m.err != nil {
		p.wsIn = nil // closed for good
		if p.ending {
			return
		}
		var ce *websocket.CloseError
		if errors.As(m.err, &ce) {
			p.res.CloseCode = ce.Code
			p.fail(fmt.Errorf("the server closed the WebSocket (%d %s)", ce.Code, ce.Text))
			return
		}
		p.fail(fmt.Errorf("websocket: %w", m.err))
		return
	}
	switch m.msg.Type {
	case signaling.TypeOffer:
		if p.offer == nil {
			p.res.Session = m.msg.Offer.Session
			p.reach(PhaseOffer, now)
			if p.stopNow() {
				return
			}
			if err := p.answerOffer(now, m.msg.Offer.SDP); err != nil {
				p.fail(err)
			}
		}
	case signaling.TypeError, "":
		if m.msg.Error.Message != "" && len(p.res.Errors) < maxServerErrors {
			p.res.Errors = append(p.res.Errors, m.msg.Error.Message)
		}
		if m.msg.Error.Fatal && !p.ending && p.fatalBy.IsZero() {
			// The server closes the socket right after: wait for the close
			// frame, whose code says whether to come back (1013) or not.
			p.fatal, p.fatalBy = m.msg.Error.Message, now.Add(closeWait)
		}
	case signaling.TypeMilestone:
		if _, ok := p.res.Milestones[m.msg.Milestone.Name]; !ok {
			p.res.Milestones[m.msg.Milestone.Name] = m.msg.Milestone.MS
		}
	case signaling.TypeMedia:
		st := m.msg.Media
		p.res.ServerMedia = &st
	case signaling.TypeShot:
		p.shot(now, m.msg.Shot)
	}
}

// answerOffer answers, opens the UDP socket and starts the checks.
func (p *peer) answerOffer(now time.Time, text string) error {
	o, err := ParseOffer(text)
	if err != nil {
		return err
	}
	host, _ := netip.ParseAddr(p.base.Hostname())
	target, err := o.target(host)
	if err != nil {
		return err
	}
	var r [4]byte
	rand.Read(r[:])
	a, err := MakeAnswer(o, fmt.Sprintf("fakebrowser-%x", r))
	if err != nil {
		return err
	}
	p.offer, p.answer = o, a
	laddr := &net.UDPAddr{}
	if p.cfg.LocalAddr.IsValid() {
		laddr.IP = p.cfg.LocalAddr.AsSlice()
	}
	if p.udp, err = net.ListenUDP("udp", laddr); err != nil {
		return fmt.Errorf("udp: %w", err)
	}
	p.udpIn = make(chan datagram, 64)
	p.wg.Add(1)
	go p.readUDP()
	if err := p.sendWS(AnswerMessage{signaling.TypeAnswer, signaling.Answer{SDP: a.SDP}}); err != nil {
		return err
	}
	p.reach(PhaseAnswer, time.Now())
	p.ice = NewChecker(o, a)
	if !p.stopNow() {
		p.ice.Start(now, []netip.AddrPort{target})
	}
	return nil
}

// sendWS writes one message; only the loop writes.
func (p *peer) sendWS(v any) error {
	p.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := p.ws.WriteJSON(v); err != nil {
		return fmt.Errorf("websocket: %w", err)
	}
	return nil
}

// handleUDP demultiplexes a datagram by its first byte (RFC 7983 §7).
func (p *peer) handleUDP(now time.Time, d datagram) {
	b := d.data
	if len(b) == 0 || p.ice == nil || d.from != p.ice.Target() {
		return
	}
	switch {
	case b[0] <= 3: // STUN
		switch p.ice.Handle(now, d.from, b) {
		case ICEPairSelected:
			p.reach(PhaseICE, now)
			if !p.stopNow() {
				p.startDTLS(now)
			}
		case ICEFailed:
			p.fail(errors.New("ice: " + p.ice.Why()))
		}
	case b[0] >= 20 && b[0] <= 63: // DTLS
		if p.dtls != nil {
			p.dtls.Handle(now, b)
			p.dtlsEvents(now)
		}
	case b[0] >= 128 && b[0] <= 191 && len(b) > 1 && b[1] >= 192 && b[1] <= 223: // SRTCP
		if p.srtpIn == nil || p.media == nil {
			return
		}
		if plain, err := p.srtpIn.DecryptRTCP(b); err == nil {
			p.media.feedback(plain, !p.ending)
		}
	}
}

// startDTLS starts the handshake as the client (a=setup:active), checking
// the server's certificate against the offer's a=fingerprint.
func (p *peer) startDTLS(now time.Time) {
	want := p.offer.Fingerprint
	p.dtls = dtls.Client(now, &dtls.ClientConfig{
		Certificate:  [][]byte{p.answer.Cert.DER},
		PrivateKey:   p.answer.Cert.PrivateKey,
		SRTPProfiles: []dtls.SRTPProtectionProfile{dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80},
		VerifyPeerCertificate: func(chain [][]byte) error {
			got, err := sdp.FingerprintOf(want.Algorithm, chain[0])
			if err != nil {
				return err
			}
			if !got.Equal(want) {
				return fmt.Errorf("certificate fingerprint %s is not the offer's %s", got, want)
			}
			return nil
		},
	})
	p.dtlsEvents(now)
}

// dtlsEvents acts on the DTLS client's events.
func (p *peer) dtlsEvents(now time.Time) {
	for ev, ok := p.dtls.PollEvent(); ok; ev, ok = p.dtls.PollEvent() {
		switch ev := ev.(type) {
		case dtls.HandshakeComplete:
			if err := p.startMedia(now, ev.State); err != nil {
				p.fail(err)
			}
		case dtls.Closed:
			switch {
			case p.ending:
			case ev.Err == nil && p.fatalBy.IsZero():
				// A close_notify: the server is ending the session. Its
				// WebSocket says why, and the close frame may come a
				// little after the datagram: wait for it, as for a fatal
				// error.
				p.fatal, p.fatalBy = "DTLS closed by the server (close_notify)", now.Add(closeWait)
			case ev.Err != nil:
				p.fail(fmt.Errorf("dtls: closed: %v", ev.Err))
			}
		}
	}
}

// startMedia makes the SRTP contexts from the exporter (RFC 5764 §4.2):
// we are the client, so we protect with the client's key and salt and
// read the server's SRTCP with the server's.
func (p *peer) startMedia(now time.Time, st dtls.ConnectionState) error {
	profile := srtp.Profile(st.SRTPProfile)
	km, err := p.dtls.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, profile.KeyingMaterialLen())
	if err != nil {
		return fmt.Errorf("dtls: %w", err)
	}
	client, server, err := srtp.SplitKeyingMaterial(profile, km)
	if err != nil {
		return fmt.Errorf("srtp: %w", err)
	}
	out, err := srtp.NewContext(profile, client)
	if err != nil {
		return fmt.Errorf("srtp: %w", err)
	}
	if p.srtpIn, err = srtp.NewContext(profile, server); err != nil {
		return fmt.Errorf("srtp: %w", err)
	}
	p.reach(PhaseDTLS, now)
	if p.cfg.Clip == nil || p.stopNow() {
		return nil
	}
	var r [8]byte
	rand.Read(r[:])
	pk := Packetizer{PayloadType: p.offer.PayloadType, SSRC: p.answer.SSRC, UsePicture: true,
		Sequence: binary.BigEndian.Uint16(r[:2]), PictureID: binary.BigEndian.Uint16(r[2:4]) & 0x7fff}
	p.media = newSender(now, p.cfg.Clip, pk, out, p.answer.CNAME, binary.BigEndian.Uint32(r[4:]))
	if p.cfg.SnapshotEvery > 0 {
		p.nextSnap = now.Add(p.cfg.SnapshotEvery)
	}
	return nil
}

// timeout runs whatever timer is due.
func (p *peer) timeout(now time.Time) {
	if !p.fatalBy.IsZero() && !now.Before(p.fatalBy) {
		p.fail(fmt.Errorf("server: %s", p.fatal))
		return
	}
	if p.ice != nil {
		if p.ice.Timeout(now) == ICEFailed {
			p.fail(errors.New("ice: " + p.ice.Why()))
			return
		}
	}
	if p.dtls != nil {
		if d, ok := p.dtls.PollTimeout(); ok && !now.Before(d) {
			p.dtls.HandleTimeout(now)
			p.dtlsEvents(now)
		}
	}
	if p.media != nil && !p.ending {
		before := p.media.stats.Packets
		p.media.timeout(now)
		if p.media.stats.Packets > before {
			p.reach(PhaseMedia, now)
		}
		if !p.nextSnap.IsZero() && !now.Before(p.nextSnap) {
			p.nextSnap = now.Add(p.cfg.SnapshotEvery)
			p.res.Snapshots++
			if err := p.sendWS(struct {
				Type string `json:"type"`
			}{signaling.TypeSnapshot}); err != nil {
				p.fail(err)
			}
		}
	}
}

// deadline is the earliest timer.
func (p *peer) deadline(setupEnd time.Time) time.Time {
	d := time.Now().Add(time.Hour)
	earlier := func(t time.Time, ok bool) {
		if ok && t.Before(d) {
			d = t
		}
	}
	earlier(setupEnd, p.phase < PhaseDTLS)
	if p.ice != nil {
		earlier(p.ice.Deadline())
	}
	if p.dtls != nil {
		earlier(p.dtls.PollTimeout())
	}
	if p.media != nil && !p.ending {
		earlier(p.media.deadline(), true)
		earlier(p.nextSnap, !p.nextSnap.IsZero())
	}
	earlier(p.drainTo, p.ending)
	earlier(p.fatalBy, !p.fatalBy.IsZero())
	return d
}

// flush sends what the layers queued.
func (p *peer) flush() {
	if p.udp == nil || p.ice == nil {
		return
	}
	// Loss is the protocols' business: errors are not looked at.
	for _, o := range p.ice.Out {
		p.udp.WriteToUDPAddrPort(o.Data, o.To)
	}
	p.ice.Out = p.ice.Out[:0]
	send := func(b []byte) { p.udp.WriteToUDPAddrPort(b, p.ice.Target()) }
	if p.dtls != nil {
		for b, ok := p.dtls.PollTransmit(); ok; b, ok = p.dtls.PollTransmit() {
			send(b)
		}
	}
	if p.media != nil {
		for _, b := range p.media.out {
			send(b)
		}
		p.media.out = p.media.out[:0]
	}
}

// end starts the end of the session: the media stops; with a Drain, the
// session waits for the JPEGs of the keyframes it sent.
func (p *peer) end(now time.Time) {
	p.ending = true
	if p.phase < PhaseMedia && p.cfg.StopAfter == PhaseNone {
		p.res.Stopped = true
	}
	p.drainTo = now
	if p.media != nil && !p.cfg.Abrupt {
		p.drainTo = now.Add(p.cfg.Drain)
	}
}

// shot records a JPEG the server announced (a "shot" message, or the
// older "saved" event: the same name is one shot) and starts its check.
func (p *peer) shot(now time.Time, m signaling.Shot) {
	if s := p.shots[m.Name]; s != nil {
		s.Snapshot = s.Snapshot || m.Snapshot
		return
	}
	s := &ShotResult{Name: m.Name, URL: m.URL, Snapshot: m.Snapshot, At: ms(now.Sub(p.opened))}
	p.shots[m.Name] = s
	p.res.Shots = append(p.res.Shots, s)
	p.reach(PhaseShot, now)
	if p.cfg.SkipVerify || p.cfg.Clip == nil || p.media == nil {
		s.Err = "not checked"
		return
	}
	ref, err := p.base.Parse(m.URL)
	if err != nil || ref.Host != p.base.Host {
		s.Err = fmt.Sprintf("shot URL %q is not on the server", m.URL)
		return
	}
	s.URL = ref.String()
	keyframes := append([]int(nil), p.media.sent...)
	p.checking++
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		w, h, psnr, err := verifyShot(p.verifyCtx, p.client, s.URL, p.cfg.Clip, keyframes)
		select {
		case p.verified <- verifyDone{shot: s, w: w, h: h, psnr: psnr, err: err}:
		case <-p.stop:
		}
	}()
}

// checked records the outcome of a JPEG check.
func (p *peer) checked(v verifyDone) {
	p.checking--
	s := v.shot
	s.Width, s.Height = v.w, v.h
	s.PSNR = math.Round(min(v.psnr, 99)*10) / 10
	if math.IsInf(v.psnr, -1) {
		s.PSNR = 0
	}
	if v.err != nil {
		s.Err = v.err.Error()
		return
	}
	s.Verified = true
}

// close says goodbye, unless Abrupt, and closes everything: the sockets,
// then the goroutines, which it waits for.
func (p *peer) close() {
	if p.cfg.Vanish > 0 {
		time.Sleep(p.cfg.Vanish)
	}
	if !p.cfg.Abrupt && p.cfg.Vanish == 0 {
		if p.media != nil && p.dtls.Established() {
			p.media.report(time.Now(), []rtcp.Packet{&rtcp.Goodbye{Sources: []uint32{p.answer.SSRC}}})
			p.flush() // before the close_notify, which ends the server's session
		}
		if p.dtls != nil {
			p.dtls.Close() // a close_notify (RFC 5246 §7.2.1)
		}
		p.flush()
		if p.dtls != nil && p.dtls.State().Version != 0 {
			// The server answers with its own close_notify and ends the
			// session; closing the WebSocket before that would race our
			// datagrams against its cleanup.
			p.awaitDTLS(closeWait)
		}
		if p.ws != nil {
			msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
			p.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		}
	}
	if p.ws != nil {
		p.ws.Close()
	}
	if p.udp != nil {
		p.udp.Close()
	}
	p.cancelVerify()
	close(p.stop)
	p.wg.Wait()
	if p.client != nil {
		p.client.CloseIdleConnections()
	}
	for _, s := range p.res.Shots {
		if !s.Verified && s.Err == "" {
			s.Err = "not checked before the end"
		}
	}
	if p.media != nil {
		p.res.Media = p.media.stats
	}
}

// closeWait bounds the wait for the server's close_notify.
const closeWait = 500 * time.Millisecond

// awaitDTLS waits, at most d, for a DTLS datagram from the server.
func (p *peer) awaitDTLS(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case dg := <-p.udpIn:
			if len(dg.data) > 0 && dg.data[0] >= 20 && dg.data[0] <= 63 {
				return
			}
		case <-timer.C:
			return
		}
	}
}
