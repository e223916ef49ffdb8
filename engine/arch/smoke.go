package arch

import (
	"fmt"
	"time"
)

// The smoke check and its alarm, and the topic every alarm tells a person
// through (assets/services/metric.md).

// Route53MetricsRegion is where Route 53 publishes its health checks'
// metrics, whatever region the checked endpoint is in: an alarm on a
// health check lives there.
const Route53MetricsRegion = "us-east-1"

// Route 53 health checks run every 10 or 30 seconds, nothing else.
const (
	checkStandard = 30
	checkFast     = 10
)

// CheckInterval is the Route 53 RequestInterval that honours `every`: the
// slowest of 10 and 30 seconds that is not slower than asked.
func CheckInterval(every time.Duration) int {
	if every < checkStandard*time.Second {
		return checkFast
	}
	return checkStandard
}

// smoke adds the smoke check of the app's default process and its alarm.
func (d *design) smoke() {
	m := d.m
	c, def := m.Check, m.DefaultProcess()
	if c == nil || def == "" || !d.has(IDLoadBalancer) {
		return
	}
	hc := SmokeCheckProps{LoadBalancer: IDLoadBalancer, Port: 80, Path: c.Path, Type: "HTTP",
		Interval: CheckInterval(c.Interval()), FailureThreshold: c.AlarmAfter}
	what := "any 2xx or 3xx answer"
	if c.Expect != nil && c.Expect.Text != "" {
		hc.Type, hc.SearchString = "HTTP_STR_MATCH", c.Expect.Text
		what = fmt.Sprintf("a 2xx or 3xx answer whose first 5,120 bytes hold %q", c.Expect.Text)
	} else if c.Expect != nil {
		what = fmt.Sprintf("a 2xx or 3xx answer (you asked for %d; Route 53 can't tell 2xx and 3xx statuses apart)", c.Expect.Status)
	}
	pace := fmt.Sprintf("every %d s", hc.Interval)
	if asked := c.Interval(); asked != time.Duration(hc.Interval)*time.Second {
		pace = fmt.Sprintf("every %d s (check.every is %s, and Route 53 checks only every 10 or 30 s: more often than that, never less)",
			hc.Interval, c.Every)
	}
	// It refers to the DNS name only (a remade listener leaves it be), and
	// comes after the services behind the load balancer: checked before
	// any container answers, a slow first deploy would fail it and mail a
	// false alarm.
	d.add(Metric, IDSmokeCheck, TypeHealthCheck, hc,
		fmt.Sprintf("a request from outside AWS's network, as a user makes it, to %s through the load balancer %s; healthy on %s; "+
			"made once the containers behind the load balancer answer, so a first deploy raises no false alarm",
			c.Path, pace, what), IDLoadBalancer)
	hcr := d.find(IDSmokeCheck)
	for _, name := range m.ProcessNames() {
		if m.IsPublic(name) && d.has(ServiceID(name)) {
			hcr.After = append(hcr.After, ServiceID(name))
		}
	}
	d.alarm(IDSmokeAlarm, AlarmProps{
		Namespace: "AWS/Route53", Metric: "HealthCheckStatus", Statistic: "Minimum",
		Threshold: 1, Comparison: "LessThanThreshold", Period: 60, Evaluation: 1, Subject: IDSmokeCheck,
		Region: Route53MetricsRegion,
	}, fmt.Sprintf("turns red when the smoke check has failed %d times in a row; it lives in %s, where Route 53 reports its checks",
		c.AlarmAfter, Route53MetricsRegion), IDSmokeCheck)
}

// topics adds the topic that mails every address in [metric] notify, and
// a second one in us-east-1 when the smoke alarm lives there and the app
// doesn't: CloudWatch tells only a topic in the alarm's own region.
func (d *design) topics() {
	m := d.m
	if m.Metric == nil || len(m.Metric.Notify) == 0 {
		return
	}
	who := fmt.Sprintf("%d address(es)", len(m.Metric.Notify))
	if len(m.Metric.Notify) == 1 {
		who = m.Metric.Notify[0]
	}
	if k := d.find(IDKey); k != nil {
		kp := k.Props.(KeyProps)
		kp.AlarmTopic = true
		k.Props = kp
	}
	d.add(Metric, IDTopic, TypeTopic, TopicProps{Emails: m.Metric.Notify, Key: IDKey},
		"mails "+who+" when any alarm turns red and when it turns back, encrypted with the app's key; "+
			"each address confirms once by a link in a mail from AWS", IDKey)
	if m.Region != Route53MetricsRegion && m.Check != nil && m.DefaultProcess() != "" {
		d.add(Metric, TopicID(Route53MetricsRegion), TypeTopic,
			TopicProps{Emails: m.Metric.Notify, Region: Route53MetricsRegion},
			"the same addresses, told by the smoke alarm in "+Route53MetricsRegion+
				" (an alarm tells only a topic in its own region); encrypted by SNS's own key, as the app's key lives in "+
				m.Region+" and the messages hold only alarm names and states")
	}
}

// alarm adds an alarm that tells the topic of its region, if any.
func (d *design) alarm(id string, p AlarmProps, reason string, deps ...string) {
	topic := IDTopic
	if p.Region != "" && p.Region != d.m.Region {
		topic = TopicID(p.Region)
	}
	if d.has(topic) {
		p.Actions = []string{topic}
		deps = append(deps, topic)
		reason += "; mails " + andList(d.m.Metric.Notify) + " when it turns and when it turns back"
	}
	d.add(Metric, id, TypeAlarm, p, reason, deps...)
}
