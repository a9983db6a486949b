package main

// This file is the page's WebSocket, as ui/static/app.js uses it: the offer
// comes in, the answer, candidates and states go out, and the server's
// events and errors are shown. The messages are package signaling's; the
// offer is read, and the answer sent, as package fakebrowser does.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/final/fakebrowser"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
)

// signalConn is the WebSocket. Only the loop goroutine writes to it.
type signalConn struct {
	url   string
	conn  *websocket.Conn
	in    chan inbound    // messages from the server; closed when the socket fails
	err   error           // why in was closed; read it only after that
	state signaling.State // what was last reported
}

// inbound is one message from the server.
type inbound struct {
	typ  string // its "type"
	data []byte // the whole JSON text
}

// dialSignal opens ws://<host of page>/ws, or wss:// for an https page.
func dialSignal(ctx context.Context, page string) (*signalConn, error) {
	u, err := url.Parse(page)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("-page %q: want a URL like http://localhost:8080", page)
	}
	u.Scheme = map[string]string{"https": "wss"}[u.Scheme]
	if u.Scheme == "" {
		u.Scheme = "ws"
	}
	u.Path, u.RawQuery, u.Fragment = "/ws", "", ""
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, _, err := websocket.DefaultDialer.DialContext(dctx, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("WebSocket %s: %w (is the server running?)", u, err)
	}
	s := &signalConn{url: u.String(), conn: conn, in: make(chan inbound, 16)}
	go s.read()
	return s, nil
}

// read passes every message to the loop, until the socket fails.
func (s *signalConn) read() {
	defer close(s.in)
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			s.err = err
			return
		}
		var env struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(data, &env); err != nil {
			s.err = fmt.Errorf("server sent bad JSON: %w", err)
			return
		}
		s.in <- inbound{typ: env.Type, data: data}
	}
}

// waitOffer shows what comes before the offer and returns the offer.
func (s *signalConn) waitOffer(ctx context.Context, p *printer) (*fakebrowser.Offer, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case m, ok := <-s.in:
			if !ok {
				return nil, fmt.Errorf("the server closed the WebSocket before its offer: %v", s.err)
			}
			if m.typ != signaling.TypeOffer {
				s.show(p, m)
				continue
			}
			var msg signaling.Offer
			if err := json.Unmarshal(m.data, &msg); err != nil {
				return nil, fmt.Errorf("offer message: %w", err)
			}
			o, err := fakebrowser.ParseOffer(msg.SDP)
			if err != nil {
				return nil, err
			}
			lite := ""
			if o.Lite {
				lite = ", a=ice-lite: we are the controlling agent (RFC 8445 §6.1.1)"
			}
			p.printf("offer received: session %s, %s, %d candidates%s", msg.Session, msg.Step, len(o.Candidates), lite)
			p.printf("  server fingerprint: %s", o.Fingerprint)
			for _, c := range o.Candidates {
				p.printf("  server candidate: %s", c)
			}
			return o, nil
		}
	}
}

// show prints an event or error the server sent, as the page's log does.
func (s *signalConn) show(p *printer, m inbound) {
	switch m.typ {
	case signaling.TypeEvent:
		var e signaling.Event
		if json.Unmarshal(m.data, &e) == nil {
			p.printf("server event [%s] %s", e.Layer, e.Text)
			return
		}
	case signaling.TypeError:
		var e signaling.Error
		if json.Unmarshal(m.data, &e) == nil {
			p.printf("server says: %s", e.Message)
			return
		}
	case signaling.TypeMilestone:
		// The page's timeline (final): each layer as the server reached it.
		var e signaling.Milestone
		if json.Unmarshal(m.data, &e) == nil {
			p.printf("server milestone %s at %d ms: %s", e.Name, e.MS, e.Text)
			return
		}
	case signaling.TypeMedia, signaling.TypeShot:
		return // the page's stats and gallery: no media flows from this program
	}
	p.printf("unexpected message from the server: %.200s", m.data)
}

// The messages this program sends besides fakebrowser.AnswerMessage:
// "type" and then the fields of package signaling's message, as app.js
// writes {type: 'state', ...state}.
type (
	candidateMessage struct {
		Type string `json:"type"`
		signaling.Candidate
	}
	stateMessage struct {
		Type string `json:"type"`
		signaling.State
	}
)

// send writes one message.
func (s *signalConn) send(msg any) error {
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.conn.WriteJSON(msg)
}

// sendAnswer sends {"type":"answer","sdp":"…"}.
func (s *signalConn) sendAnswer(text string) error {
	return s.send(fakebrowser.AnswerMessage{Type: signaling.TypeAnswer, Answer: signaling.Answer{SDP: text}})
}

// report sends the four RTCPeerConnection states, as app.js does on every
// change, and prints those that changed.
func (s *signalConn) report(p *printer, st signaling.State) {
	var changed string
	for _, f := range []struct{ name, was, now string }{
		{"signaling", s.state.SignalingState, st.SignalingState},
		{"gathering", s.state.ICEGatheringState, st.ICEGatheringState},
		{"ice", s.state.ICEConnectionState, st.ICEConnectionState},
		{"connection", s.state.ConnectionState, st.ConnectionState},
	} {
		if f.was != f.now {
			changed += " " + f.name + "=" + f.now
		}
	}
	s.state = st
	if err := s.send(stateMessage{signaling.TypeState, st}); err != nil {
		p.printf("cannot report state: %v", err)
		return
	}
	p.printf("state sent:%s", changed)
}

// trickle sends the host candidate a browser would gather for our socket,
// then the empty candidate that ends gathering (RFC 8838 §4.4; app.js sends
// it when onicecandidate reports null). The server is ICE-lite and needs
// neither: it answers checks wherever they come from.
func (s *signalConn) trickle(p *printer, target netip.AddrPort, port int, mid string) error {
	if c, err := hostCandidate(target, port); err != nil {
		p.printf("no host candidate towards %v: %v", target, err)
	} else {
		index := 0
		if err := s.send(candidateMessage{signaling.TypeCandidate, signaling.Candidate{Candidate: c.String(), SDPMid: &mid, SDPMLineIndex: &index}}); err != nil {
			return err
		}
		p.printf("candidate sent: %s", c)
	}
	return s.send(candidateMessage{Type: signaling.TypeCandidate})
}

// hostCandidate is our socket as a host candidate (RFC 8445 §5.1.1.1): the
// address the system sends from towards target, and the socket's port.
// Connecting a UDP socket sends nothing; it only consults the routing table.
func hostCandidate(target netip.AddrPort, port int) (sdp.Candidate, error) {
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(target))
	if err != nil {
		return sdp.Candidate{}, err
	}
	defer c.Close()
	local, ok := netip.AddrFromSlice(c.LocalAddr().(*net.UDPAddr).IP)
	if !ok {
		return sdp.Candidate{}, errors.New("no local address")
	}
	return sdp.Candidate{
		Foundation: "1",
		Component:  1,
		Transport:  "udp",
		Priority:   priority(hostTypePreference, 65535, 1),
		Address:    local.Unmap().String(),
		Port:       port,
		Type:       "host",
	}, nil
}

// closed says why the server closed the socket: nil when it closed it
// normally, ending the session for a reason it gives (RFC 6455 §7.4.1).
func (s *signalConn) closed(p *printer) error {
	var ce *websocket.CloseError
	if errors.As(s.err, &ce) && ce.Code == websocket.CloseNormalClosure {
		p.printf("the server ended the session: %s", ce.Text)
		return nil
	}
	return fmt.Errorf("the server closed the WebSocket: %v", s.err)
}

// close ends the session as the page's Stop button does: a close frame
// with code 1000 (RFC 6455 §7.4.1), then the socket.
func (s *signalConn) close(reason string) {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, reason)
	s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	s.conn.Close()
}
