package sandbox

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// acted runs the actions of an alarm that just turned from old to its
// current state, as CloudWatch does: the state's list (AlarmActions for
// ALARM, OKActions for OK, InsufficientDataActions), when actions are
// enabled. An SNS topic of the alarm's region is sent the alarm's message;
// a topic elsewhere gets nothing (CloudWatch tells only a topic in its own
// region), and the sandbox runs no other kind of action (EC2, Auto
// Scaling, Lambda), which it leaves undone.
func (t *tx) acted(al *cwAlarm, old cwtypes.StateValue) {
	d := al.Def
	if d.ActionsEnabled != nil && !*d.ActionsEnabled {
		return
	}
	var acts []string
	switch d.StateValue {
	case cwtypes.StateValueAlarm:
		acts = d.AlarmActions
	case cwtypes.StateValueOk:
		acts = d.OKActions
	case cwtypes.StateValueInsufficientData:
		acts = d.InsufficientDataActions
	}
	for _, a := range acts {
		p, ok := parseARN(a)
		if !ok || p.Service != "sns" || p.Region != t.r.Name || p.Account != t.account() {
			continue
		}
		subject, msg := t.alarmMessage(al, string(old))
		t.publish(a, subject, msg)
	}
}

// alarmTurned records a state change of al and runs its actions.
func (t *tx) alarmTurned(al *cwAlarm, state cwtypes.StateValue, reason string) {
	old := al.Def.StateValue
	al.Def.StateValue, al.Def.StateReason = state, aws.String(reason)
	al.Def.StateUpdatedTimestamp, al.Def.StateTransitionedTimestamp = tp(t.now), tp(t.now)
	t.touch()
	t.acted(al, old)
}
