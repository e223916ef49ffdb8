package engine

import (
	"fmt"
	"strconv"

	"github.com/minimalinfra/mvi/engine/arch"
)

// What the app costs now is read from what runs, not from the design: a
// plan that grows the VM group from 2 to 3 compares 3 VMs with the 2 the
// cloud has. Sizes come from the live resources (the VMs' instance type
// and count, the database's class and storage); the rest is priced per
// piece, the same whatever its settings.

// nowMonthly estimates a live resource's monthly cost from what it is.
func (p *Prices) nowMonthly(s Step, a arch.Architecture) float64 {
	if s.Live == nil {
		return 0
	}
	if s.Action == NoOp {
		return s.MonthlyUSD // it is what the design says
	}
	h, o, at := p.HoursPerMonth, p.Other, s.Live.Attrs
	switch s.Type {
	case arch.TypeAutoScalingGroup:
		desired, _ := strconv.Atoi(at["desired"])
		typ, vol := at["instance_type"], 30
		if lt, ok := a.Get("launch-template"); ok {
			if ltp, ok := lt.Props.(arch.LaunchTemplateProps); ok {
				vol = ltp.VolumeGiB
				if typ == "" {
					typ = ltp.InstanceType // no VM runs to say
				}
			}
		}
		return float64(desired) * ((p.EC2Hourly[typ]+o.PublicIPv4Hourly)*h + float64(vol)*o.EBSGp3GBMonth)
	case arch.TypeDBInstance:
		gib, _ := strconv.Atoi(at["storage_gib"])
		return p.RDSHourly[at["class"]]*h + float64(gib)*o.RDSStorageGBMonth
	case arch.TypeReplicationGroup:
		nodes, _ := strconv.Atoi(at["nodes"])
		return p.CacheHourly[at["node_type"]] * h * float64(nodes)
	}
	if s.Resource != nil {
		return p.Monthly(*s.Resource, a)
	}
	return p.Monthly(arch.Resource{Type: s.Type, Props: pricedAlike[s.Type]}, a)
}

// pricedAlike are the types whose price doesn't depend on their settings.
var pricedAlike = map[string]arch.Props{
	arch.TypeLoadBalancer: arch.LoadBalancerProps{}, arch.TypeFileSystem: arch.FileSystemProps{}, arch.TypeKey: arch.KeyProps{},
	arch.TypeAlarm: arch.AlarmProps{}, arch.TypeDashboard: arch.DashboardProps{}, arch.TypeLogGroup: arch.LogGroupProps{},
	arch.TypeTable: arch.TableProps{}, arch.TypeBucket: arch.BucketProps{}, arch.TypeRepository: arch.RepositoryProps{},
}

// CostChange says what the plan's cost is against now: "+$14.60 from
// now", "-$3.00 from now", "the same as now".
func (p Plan) CostChange() string {
	d := p.MonthlyUSD - p.NowMonthlyUSD
	switch {
	case p.Count(Create) == len(p.Steps):
		return fmt.Sprintf("+$%.2f from now, as nothing of it runs yet", d)
	case d >= 0.005:
		return fmt.Sprintf("+$%.2f from now", d)
	case d <= -0.005:
		return fmt.Sprintf("-$%.2f from now", -d)
	}
	return "the same as now"
}
