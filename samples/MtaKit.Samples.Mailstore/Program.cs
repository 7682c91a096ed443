Console.WriteLine("mailstore: not yet");
