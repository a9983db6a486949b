package dtls

// Alerts, RFC 5246 §7.2.
//
//	enum { warning(1), fatal(2), (255) } AlertLevel;
//
//	struct {
//	    AlertLevel level;
//	    AlertDescription description;
//	} Alert;
//
// A fatal alert ends the connection on both sides. close_notify (0, sent at
// level warning) ends it cleanly. Alerts travel in records of content type
// 21, encrypted once the epoch-1 keys are in use. RFC 6347 §4.1.2.7 adds
// that DTLS implementations should drop invalid records silently rather
// than answer them with an alert, since datagrams are easy to forge.

import (
	"errors"
	"fmt"
)

// AlertLevel is warning or fatal.
type AlertLevel uint8

// Alert levels.
const (
	AlertLevelWarning AlertLevel = 1
	AlertLevelFatal   AlertLevel = 2
)

// AlertDescription says what went wrong, RFC 5246 §7.2.2.
type AlertDescription uint8

// Alert descriptions used by this package.
const (
	AlertCloseNotify            AlertDescription = 0
	AlertUnexpectedMessage      AlertDescription = 10
	AlertBadRecordMAC           AlertDescription = 20
	AlertHandshakeFailure       AlertDescription = 40
	AlertBadCertificate         AlertDescription = 42
	AlertUnsupportedCertificate AlertDescription = 43
	AlertCertificateUnknown     AlertDescription = 46
	AlertIllegalParameter       AlertDescription = 47
	AlertDecodeError            AlertDescription = 50
	AlertDecryptError           AlertDescription = 51
	AlertProtocolVersion        AlertDescription = 70
	AlertInsufficientSecurity   AlertDescription = 71
	AlertInternalError          AlertDescription = 80
)

var alertNames = map[AlertDescription]string{
	AlertCloseNotify: "close_notify", AlertUnexpectedMessage: "unexpected_message",
	AlertBadRecordMAC: "bad_record_mac", AlertHandshakeFailure: "handshake_failure",
	AlertBadCertificate: "bad_certificate", AlertUnsupportedCertificate: "unsupported_certificate",
	AlertCertificateUnknown: "certificate_unknown", AlertIllegalParameter: "illegal_parameter",
	AlertDecodeError: "decode_error", AlertDecryptError: "decrypt_error",
	AlertProtocolVersion: "protocol_version", AlertInsufficientSecurity: "insufficient_security",
	AlertInternalError: "internal_error",
}

func (d AlertDescription) String() string {
	if s, ok := alertNames[d]; ok {
		return s
	}
	return fmt.Sprintf("alert(%d)", uint8(d))
}

func (l AlertLevel) String() string {
	switch l {
	case AlertLevelWarning:
		return "warning"
	case AlertLevelFatal:
		return "fatal"
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// Alert is the two-byte alert message.
type Alert struct {
	Level       AlertLevel       // warning or fatal
	Description AlertDescription // the reason
}

// marshal encodes the alert.
func (a *Alert) marshal() []byte { return []byte{byte(a.Level), byte(a.Description)} }

// unmarshal decodes the alert.
func (a *Alert) unmarshal(b []byte) error {
	if len(b) != 2 {
		return errors.New("dtls: alert: not 2 bytes")
	}
	a.Level, a.Description = AlertLevel(b[0]), AlertDescription(b[1])
	return nil
}

func (a *Alert) String() string { return fmt.Sprintf("%v %v", a.Level, a.Description) }

// AlertError is how a Conn reports an alert that ended it: one it sent
// because a check failed (Local), or one the peer sent.
type AlertError struct {
	Alert Alert // the alert sent or received
	Local bool  // true: we sent it; false: the peer did
	Err   error // for a local alert, the check that failed
}

func (e *AlertError) Error() string {
	if e.Local {
		return fmt.Sprintf("%v (sent %v alert)", e.Err, e.Alert.Description)
	}
	return fmt.Sprintf("dtls: peer sent %v alert", &e.Alert)
}

// Unwrap returns the failed check.
func (e *AlertError) Unwrap() error { return e.Err }

// fail builds the error for a failed check: send desc, and say why.
func fail(desc AlertDescription, format string, args ...any) *AlertError {
	return &AlertError{
		Alert: Alert{Level: AlertLevelFatal, Description: desc},
		Local: true,
		Err:   fmt.Errorf(format, args...),
	}
}
