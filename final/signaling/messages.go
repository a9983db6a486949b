// Package signaling is how the server and a browser meet before any media
// flows: a WebSocket at /ws carrying JSON text frames, each with a "type".
//
//	server  → browser  {"type":"offer","sdp":"v=0…","session":"3f9a2c1e","iceServers":[…]}
//	browser → server   {"type":"answer","sdp":"v=0…"}
//	browser → server   {"type":"candidate","candidate":"candidate:…","sdpMid":"0"}   (trickle ICE; "" = end of candidates)
//	browser → server   {"type":"state","signalingState":"stable",…}                 (each RTCPeerConnection state change)
//	browser → server   {"type":"keyframe"}                                           (the "request a keyframe" button)
//	server  → browser  {"type":"event","layer":"ice","text":"…"}                     (narration for the page's event log)
//	server  → browser  {"type":"error","message":"…","fatal":false}                  (something went wrong; fatal: the server closes the socket)
//	server  → browser  {"type":"milestone","name":"ice","ms":212,"text":"…"}         (a layer reached: the page's timeline)
//	server  → browser  {"type":"media","width":640,"fps":30,…}                        (the session's video, once a second)
//	server  → browser  {"type":"shot","url":"/shots/shoot3.jpg",…}                   (a JPEG of this session written: the gallery)
//	browser → server   {"type":"snapshot"}                                           (the "take snapshot" button)
//
// The close frame's status code (RFC 6455 §7.4.1) tells the page what to do
// next: 1001 (going away: the server is shutting down or restarting) and
// 1013 (try again later: the server is full) mean come back, with a delay;
// 1008 (policy violation: the page misbehaved) means do not.
//
// The server speaks first: it writes the SDP offer itself (package sdp), the
// browser answers. One WebSocket is one session; closing it ends the session
// and frees everything the server held for it.
package signaling

// Message types, the "type" field of every frame.
const (
	TypeOffer     = "offer"
	TypeAnswer    = "answer"
	TypeCandidate = "candidate"
	TypeState     = "state"
	TypeKeyframe  = "keyframe"
	TypeStats     = "stats"
	TypeEvent     = "event"
	TypeError     = "error"
	TypeMilestone = "milestone"
	TypeMedia     = "media"
	TypeShot      = "shot"
	TypeSnapshot  = "snapshot"
)

// envelope is what every frame has; the rest is decoded once the type is known.
type envelope struct {
	Type string `json:"type"` // one of the Type constants
}

// Offer is the server's first message on a new socket.
type Offer struct {
	Type       string      `json:"type"`                 // "offer"
	SDP        string      `json:"sdp"`                  // the SDP offer, RFC 8866 text
	Session    string      `json:"session"`              // the session id, as the server log shows it
	Step       string      `json:"step,omitempty"`       // which step of the tutorial is serving
	ICEServers []ICEServer `json:"iceServers,omitempty"` // for new RTCPeerConnection({iceServers})
}

// ICEServer is one entry of RTCConfiguration.iceServers (W3C WebRTC §4.2.2).
type ICEServer struct {
	URLs []string `json:"urls"` // e.g. "stun:127.0.0.1:15000"
}

// Answer carries the browser's SDP answer (RTCSessionDescription.sdp).
type Answer struct {
	SDP string `json:"sdp"` // the complete SDP answer
}

// Candidate is one trickled ICE candidate (RTCIceCandidate); an empty
// candidate means the browser has finished gathering.
type Candidate struct {
	Candidate     string  `json:"candidate"`     // "candidate:…" as in an a= line, or ""
	SDPMid        *string `json:"sdpMid"`        // the m-section it belongs to
	SDPMLineIndex *int    `json:"sdpMLineIndex"` // the same, by index
}

// State is the browser's view of its RTCPeerConnection (W3C WebRTC §4.3).
type State struct {
	SignalingState     string `json:"signalingState"`     // e.g. "stable" once the answer is set
	ICEGatheringState  string `json:"iceGatheringState"`  // new, gathering, complete
	ICEConnectionState string `json:"iceConnectionState"` // new, checking, connected, …
	ConnectionState    string `json:"connectionState"`    // ICE and DTLS together
}

// Event is a line of narration the page shows in its event log.
type Event struct {
	Type  string `json:"type"`  // "event"
	Layer string `json:"layer"` // the layer that speaks, as in the server log
	Text  string `json:"text"`  // what happened
}

// Error tells the browser what it sent wrong. The session goes on, unless
// the browser has sent too many bad messages or no answer in time: then a
// last error says so and the server closes the socket.
type Error struct {
	Type    string `json:"type"`            // "error"
	Message string `json:"message"`         // the reason, as logged
	Fatal   bool   `json:"fatal,omitempty"` // the server closes the socket after this one
}

// Milestones of a session, in the order they are reached: the page's
// timeline. Each is sent once, with the time since the WebSocket opened.
const (
	MilestoneWebSocket = "websocket" // the server accepted the WebSocket
	MilestoneOffer     = "offer"     // the offer is sent
	MilestoneAnswer    = "answer"    // the browser's answer is accepted
	MilestoneICE       = "ice"       // a connectivity check passed: a valid pair
	MilestoneDTLS      = "dtls"      // the DTLS handshake is complete, SRTP keys made
	MilestoneRTP       = "rtp"       // the first RTP packet is decrypted
	MilestoneKeyframe  = "keyframe"  // the first whole keyframe is assembled
	MilestoneJPEG      = "jpeg"      // the first JPEG file is written
)

// Milestone tells the page that the session has reached a layer.
type Milestone struct {
	Type string `json:"type"` // "milestone"
	Name string `json:"name"` // one of the Milestone constants
	MS   int64  `json:"ms"`   // milliseconds since the server accepted the WebSocket
	Text string `json:"text"` // what was reached, e.g. the selected pair or the cipher suite
}

// MediaStats is the server's view of the session's video, sent once a
// second while it flows. Counts are totals since the session began.
type MediaStats struct {
	Type      string `json:"type"` // "media"
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	FPS       int    `json:"fps"`       // frames completed in the last second
	Bitrate   int64  `json:"bitrate"`   // RTP payload bits received in the last second
	Frames    int64  `json:"frames"`    // complete frames
	Keyframes int64  `json:"keyframes"` // of which keyframes
	Bytes     int64  `json:"bytes"`     // RTP payload bytes
	Packets   int64  `json:"packets"`   // RTP packets received (each counted once)
	Lost      int64  `json:"lost"`      // packets never received, after NACKs gave up
	Recovered int64  `json:"recovered"` // packets that came back after a NACK
	NACKs     int64  `json:"nacks"`     // packets asked for again (RFC 4585 §6.2.1)
	PLIs      int64  `json:"plis"`      // keyframe requests (RFC 4585 §6.3.1)
	FIRs      int64  `json:"firs"`      // full intra requests (RFC 5104 §4.3.1)
	JPEGs     int64  `json:"jpegs"`     // JPEG files written for this session
	Skipped   int64  `json:"skipped"`   // keyframes not saved: workers busy, or the disk cap reached
}

// Shot tells the page that one of its keyframes was saved as a JPEG file.
type Shot struct {
	Type     string `json:"type"` // "shot"
	Name     string `json:"name"` // shoot3.jpg
	URL      string `json:"url"`  // /shots/shoot3.jpg
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Bytes    int    `json:"bytes"`    // of the JPEG file
	Snapshot bool   `json:"snapshot"` // it answers the page's snapshot request
	MS       int64  `json:"ms"`       // since the WebSocket opened
}

// BrowserStats is what the browser reports of the video it sends (W3C
// webrtc-stats: outbound-rtp, and remote-inbound-rtp, which the browser
// computes from our receiver reports): the page sends it once a second.
type BrowserStats struct {
	FramesEncoded    int      `json:"framesEncoded"`
	KeyFramesEncoded int      `json:"keyFramesEncoded"`
	PLICount         int      `json:"pliCount"`      // our PLIs, as the browser counted them
	NACKCount        int      `json:"nackCount"`     // our NACKs
	RoundTripTime    *float64 `json:"roundTripTime"` // seconds, from our RR's LSR and DLSR (RFC 3550 §6.4.1); absent before one
	FractionLost     *float64 `json:"fractionLost"`  // from our RR
}
