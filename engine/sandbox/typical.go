package sandbox

import "time"

// TypicalWait is how long, at speed 1, a tutorial step of the given kind
// waits on this sandbox, from its own pace table: what the home screen's
// "≈ N min" adds to the reading. The critical path of each:
//
//   - apply: the load balancer turns active while the VMs boot and join
//     the cluster; then containers start and pass two health checks.
//   - verify: two health-check intervals for what it checks to settle.
//   - break: a VM's loss is noticed, its replacement boots and joins, a
//     container starts on it and passes its checks.
//   - destroy: tasks drain and stop, VMs terminate, the rest goes after.
func TypicalWait(kind string) time.Duration {
	const healthy = 2 * 10 * time.Second // two checks 10 s apart, as mvi designs target groups
	boot := paceInstanceRunning + paceAgentRegister
	start := paceTaskPending + paceTaskRunning
	switch kind {
	case "apply":
		return max(paceLBActive, boot) + start + healthy
	case "verify":
		return healthy
	case "break":
		return paceASGReplace + boot + start + healthy
	case "destroy":
		return paceTaskStopping + paceInstanceStopping + paceASGDelete + paceENIRelease + paceServiceDrain
	}
	return 0
}
