package model

import "time"

// Application statuses (LD/T 01-2020 5.3.1): every application is received
// (受理) and then finished (办结) or refused (不予办理) with a reason.
const (
	AppReceived = "received"
	AppFinished = "finished"
	AppRefused  = "refused"
)

// Processing types of a service item (LD/T 01-2020 3.2, 5.3.1).
const (
	ProcessInstant     = "instant"     // 即时办理
	ProcessCommitted   = "committed"   // 承诺办理
	ProcessAppointment = "appointment" // 预约办理
)

// Application is one application for a service item, from its receipt to
// its result. The acceptance notice (受理通知单) and the result notice
// (结果告知单) are issued from it.
type Application struct {
	ID             string    `json:"id" bson:"_id"`        // 受理编号
	Item           string    `json:"item" bson:"item"`     // the business item, e.g. "基本养老保险关系转移接续"
	Clause         string    `json:"clause" bson:"clause"` // LD/T 01-2020 clause of the item, e.g. "5.3.1"
	ProcessingType string    `json:"processing_type" bson:"processing_type"`
	Applicant      string    `json:"applicant" bson:"applicant"` // person ID or unit credit code
	ApplicantName  string    `json:"applicant_name" bson:"applicant_name"`
	Channel        string    `json:"channel,omitempty" bson:"channel,omitempty"` // e.g. "网上服务大厅"
	Materials      []string  `json:"materials,omitempty" bson:"materials,omitempty"`
	ReceivedAt     time.Time `json:"received_at" bson:"received_at"`
	// PromisedBy is the promised completion date of a committed item;
	// zero for an instant one.
	PromisedBy time.Time `json:"promised_by" bson:"promised_by"`
	Status     string    `json:"status" bson:"status"` // App* constants
	// DecidedAt, Result and Reason are set when the application is
	// finished (Result says what was done) or refused (Reason says why).
	DecidedAt *time.Time `json:"decided_at,omitempty" bson:"decided_at,omitempty"`
	Result    string     `json:"result,omitempty" bson:"result,omitempty"`
	Reason    string     `json:"reason,omitempty" bson:"reason,omitempty"`
	Handler   string     `json:"handler,omitempty" bson:"handler,omitempty"` // the clerk who decided
}

// BenefitPayment is one item of one month's benefit paid to a person
// (e.g. the basic pension of 2026-10).
type BenefitPayment struct {
	PersonID string `json:"person_id" bson:"person_id"`
	Month    string `json:"month" bson:"month"` // YYYY-MM the payment is for
	Type     string `json:"type" bson:"type"`   // insurance type, e.g. InsPensionEnterprise
	Item     string `json:"item" bson:"item"`   // e.g. "基础养老金", "个人账户养老金"
	Amount   int64  `json:"amount" bson:"amount"`
	PaidOn   string `json:"paid_on,omitempty" bson:"paid_on,omitempty"` // YYYY-MM-DD; "" not paid yet
}
