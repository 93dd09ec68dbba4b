import CanaryKit
print("canary: not yet")
