package arch

import "fmt"

// spreadReason says where a served process's containers run. ECS spreads
// them over the zones first and then over the VMs (engine/aws's placement
// strategy), so they land on different VMs only while there are at least
// as many VMs as containers: 3 containers on 2 VMs put 2 on one of them.
func spreadReason(process string, count, vms int) string {
	tell := fmt.Sprintf("and tells the load balancer where they are: when one fails, %s still answers", process)
	switch {
	case count <= 1:
		return fmt.Sprintf("keeps 1 %s container running and tells the load balancer where it is; when it stops, %s is down until ECS has started its replacement", process, process)
	case count <= vms:
		return fmt.Sprintf("keeps %d %s containers spread over both zones and on different VMs %s", count, process, tell)
	default:
		return fmt.Sprintf("keeps %d %s containers spread over both zones and the %d VMs, so some share a VM, %s", count, process, vms, tell)
	}
}
