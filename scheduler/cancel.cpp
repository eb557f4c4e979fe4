#include "scheduler/cancel.hpp"
