print("hedgetop")
