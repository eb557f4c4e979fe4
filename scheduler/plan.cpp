#include "scheduler/plan.hpp"
