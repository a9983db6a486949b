package fakebrowser

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"

	"nutsandbolts/final/signaling"
)

// AnswerMessage is the answer as the page sends it (ui/static/session.js):
// {"type":"answer","sdp":"…"}, the "type" and then the fields of package
// signaling's message.
type AnswerMessage struct {
	Type string `json:"type"` // signaling.TypeAnswer
	signaling.Answer
}

// serverMessage is one message of the server's, decoded: the fields of
// whichever type it is (package signaling's structs).
type serverMessage struct {
	Type      string
	Offer     signaling.Offer
	Error     signaling.Error
	Milestone signaling.Milestone
	Media     signaling.MediaStats
	Shot      signaling.Shot // also from a step-07 "saved shootN.jpg" event
	Event     signaling.Event
}

// savedEvent is how step 07 (and the server before "shot" messages)
// announces a JPEG: {"type":"event","layer":"jpeg","text":"saved
// shoot3.jpg (640×480) …"}.
var savedEvent = regexp.MustCompile(`^saved (shoot[0-9]+\.jpg) \(([0-9]+)×([0-9]+)\)`)

// parseServerMessage decodes one text frame from the server. An event
// announcing a saved JPEG comes back as a "shot", so that the rest of the
// package sees one form; other events stay events.
func parseServerMessage(data []byte) (serverMessage, error) {
	var m serverMessage
	var env struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return m, err
	}
	m.Type = env.Type
	var v any
	switch m.Type {
	case signaling.TypeOffer:
		v = &m.Offer
	case signaling.TypeError:
		v = &m.Error
	case signaling.TypeMilestone:
		v = &m.Milestone
	case signaling.TypeMedia:
		v = &m.Media
	case signaling.TypeShot:
		v = &m.Shot
	case signaling.TypeEvent:
		v = &m.Event
	default:
		return m, nil // a message this package has no use for
	}
	if err := json.Unmarshal(data, v); err != nil {
		return m, err
	}
	switch m.Type {
	case signaling.TypeShot:
		if m.Shot.Name == "" || m.Shot.URL == "" {
			return m, errors.New("shot without name or url")
		}
	case signaling.TypeEvent:
		if s := savedEvent.FindStringSubmatch(m.Event.Text); m.Event.Layer == "jpeg" && s != nil {
			w, _ := strconv.Atoi(s[2])
			h, _ := strconv.Atoi(s[3])
			m.Type = signaling.TypeShot
			m.Shot = signaling.Shot{Type: signaling.TypeShot, Name: s[1], URL: "/shots/" + s[1], Width: w, Height: h}
		}
	}
	return m, nil
}
